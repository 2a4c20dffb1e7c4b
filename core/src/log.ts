import { pino, type Logger } from 'pino';

/** The host's JSON logger. Request bodies are never logged; `authorization` headers are redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'zen-watcher', pod: process.env.POD_NAME || undefined },
      redact: ['req.headers.authorization', 'headers.authorization'],
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(1),
  );
}
