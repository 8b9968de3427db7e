/**
 * Reading an HTTP body from an untrusted source without letting it grow past a cap: a
 * declared `content-length` over the cap is refused before reading, and a body that grows
 * past it is cut off (the rest is never downloaded).
 */

export class BodyTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number, declared?: number) {
    super(declared === undefined ? `response larger than the ${maxBytes}-byte cap; stopped reading` : `response of ${declared} bytes exceeds the ${maxBytes}-byte cap`);
    this.name = 'BodyTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/** The body's bytes; empty when there is none. Throws `BodyTooLargeError` past `maxBytes`. */
export async function readCappedBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes, declared);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
