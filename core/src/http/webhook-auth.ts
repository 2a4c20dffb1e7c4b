// Webhook authentication lives in ./auth/, one file per scheme; this is its public face.
export { checkAuth, type AuthBackends, type SecretReader } from './auth/check-auth.js';
export { authSpecProblem } from './auth/auth-spec.js';
export { withoutCredentials } from './auth/request-headers.js';
export { signBody } from './auth/verify-signature.js';
export { DEFAULT_TOLERANCE_SECONDS } from './auth/signature-scheme.js';
export type { TokenReview, TokenReviewer } from './auth/service-account-auth.js';
export type { AuthFailure, AuthOutcome, AuthVerdict } from './auth/verdict.js';
