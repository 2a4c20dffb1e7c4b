# syntax=docker/dockerfile:1
#
# zen-watcher image: the host (core) with the bundled source plugins.
#   docker build -t zen-watcher:0.1.0 .
# Runs as uid 10001 on a read-only root filesystem; only /tmp needs to be writable.
# docs/image.md tells how to build it and how to add a third-party plugin.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile every workspace, then reinstall production dependencies only
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npm run build
# Production dependencies only: the root devDependencies (the `node` package, typescript,
# vitest, tsup, ...) are left out. No install scripts are needed by production dependencies.
RUN --mount=type=cache,target=/root/.npm rm -rf node_modules \
 && npm ci --omit=dev --ignore-scripts
# The runtime tree: node_modules, and package.json + dist of sdk, core and the bundled plugins.
# The examples/* workspaces (a demo third-party plugin) stay out of the image; their links in
# node_modules are removed with every other link that now points nowhere.
RUN set -eu; \
    mkdir -p /out; \
    cp -a package.json node_modules /out/; \
    for ws in sdk core plugins/*; do \
      mkdir -p "/out/$ws"; \
      cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
    done; \
    cp -a core/config /out/core/; \
    find /out/node_modules -xtype l -delete; \
    test -f /out/core/dist/main.js

# ---- runtime
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="zen-watcher" \
      org.opencontainers.image.description="Turns Kubernetes security and operations signals into Observation resources" \
      org.opencontainers.image.source="https://github.com/kube-zen/zen-watcher" \
      org.opencontainers.image.licenses="Apache-2.0"
# Nothing is written outside /tmp, so the root filesystem can be read-only (local mode's
# JSON-lines output included).
ENV NODE_ENV=production \
    ZW_MODE=cluster \
    PORT=8080 \
    HOME=/tmp \
    OUTPUT_FILE=/tmp/observations.jsonl
WORKDIR /app
COPY --from=build /out/ /app/
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["node", "core/dist/main.js"]
