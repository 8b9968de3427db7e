/**
 * Classifying what the Google client libraries throw (gaxios errors, token refresh refusals,
 * network failures) into a `GoogleSourceError` with a `kind`, once, at the edge.
 */
import { GoogleSourceError, type GoogleErrorKind } from './types.ts';

const AUTH_ERROR_CODES = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_token']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface GaxiosLike {
  name?: string;
  message?: string;
  code?: string | number;
  status?: number;
  response?: { status?: number; data?: unknown };
  cause?: unknown;
}

/** Wraps any thrown value as a `GoogleSourceError`; `what` names the call ("calendar primary"). */
export function classifyGoogleError(error: unknown, what: string): GoogleSourceError {
  if (error instanceof GoogleSourceError) return error;
  const value = (typeof error === 'object' && error !== null ? error : {}) as GaxiosLike;
  const status = value.response?.status ?? (typeof value.status === 'number' ? value.status : undefined);
  const oauthCode = oauthErrorCode(value.response?.data) ?? (AUTH_ERROR_CODES.has(String(value.message)) ? String(value.message) : undefined);
  const kind = kindOf(value, status, oauthCode);
  const detail = oauthCode ?? (status ? `HTTP ${status}` : String(value.code ?? value.message ?? error));
  return new GoogleSourceError(kind, `${what}: ${detail}`, status);
}

function kindOf(value: GaxiosLike, status: number | undefined, oauthCode: string | undefined): GoogleErrorKind {
  if (value.name === 'AbortError' || value.code === 'ABORT_ERR') return 'aborted';
  if (oauthCode && AUTH_ERROR_CODES.has(oauthCode)) return 'auth';
  if (status !== undefined) {
    if (status === 401 || status === 403) return 'auth';
    if (status === 404) return 'not_found';
    if (status === 408) return 'timeout';
    if (status === 429) return 'rate_limited';
    if (status >= 500) return 'server';
    return 'bad_request';
  }
  const code = String(value.code ?? (value.cause as GaxiosLike | undefined)?.code ?? '');
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (NETWORK_CODES.has(code)) return 'network';
  if (/refresh token/i.test(value.message ?? '')) return 'auth';
  return 'network';
}

function oauthErrorCode(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const error = (data as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const status = (error as { status?: unknown }).status;
    if (status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED') return 'invalid_token';
  }
  return undefined;
}
