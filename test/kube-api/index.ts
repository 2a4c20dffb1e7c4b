// Public surface of the in-repo Kubernetes API server for tests (see test/README.md).
export { KubeApi, startKubeApi } from './server.ts';
export type { KubeApiOptions, KubeconfigRequest } from './server.ts';
export type { Faults, FailOptions, LatencyOptions, FaultHandle, PartitionMode, PartitionTarget } from './faults.ts';
export type { RequestLog, RequestMatch, RequestRecord, Verb } from './request-log.ts';
export { kubeconfigYaml } from './kubeconfig.ts';
export { testTarget, createCrd, deleteCrd, waitForCrdEstablished, randomSuffix, isFake, fakeOnly } from './target.ts';
export type { TestTarget, TestTargetOptions } from './target.ts';
export { waitFor } from './wait-for.ts';
export { apiFailure } from './client-errors.ts';
export type { ApiFailure } from './client-errors.ts';
export { rawRequest } from './raw-client.ts';
export type { RawResponse } from './raw-client.ts';
