import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { HostConfig } from '../config/host-config.js';
import { HostError, HostErrorCodes } from '../errors.js';
import type { Host } from '../host.js';

/** Cluster mode: built in the cluster-mode change; until then it refuses clearly. */
export async function createClusterHost(_config: HostConfig, _log: Logger, _kc: KubeConfig): Promise<Host> {
  throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'cluster mode is not available in this build; run with ZW_MODE=local');
}
