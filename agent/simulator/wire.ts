import type { SimulatedCall, SimulatedOutcome } from './answer.ts';
import type { SimulatedModel, SimulatorFault } from './types.ts';

/** Faults answered with an HTTP error in the provider's own body shape. */
export type ErrorFault = Extract<
  SimulatorFault,
  { fault: 'rate_limit' | 'server' | 'unavailable' | 'overloaded' | 'context_too_long' | 'auth' | 'model_not_found' | 'quota' }
>;

/** What a wire checks a request against. */
export interface ParseContext {
  /** The model the request names, with its rules. */
  model: SimulatedModel;
  /** Thinking-block signatures this simulator issued: any other is refused, as the real API refuses a forged one. */
  issuedSignatures: ReadonlySet<string>;
}

export interface WireError {
  status: number;
  body: Record<string, unknown>;
}

/** One provider's wire API as the simulator speaks it. */
export interface WireFormat {
  /** Reads a request body; throws a `WireRequestError` on one the real API would reject. */
  parse(body: Record<string, unknown>, context: ParseContext): SimulatedCall;
  response(call: SimulatedCall, outcome: SimulatedOutcome, id: string): Record<string, unknown>;
  /** Complete SSE frames (`event:`/`data:` lines ending in a blank line), terminator included. */
  streamFrames(call: SimulatedCall, outcome: SimulatedOutcome, id: string): string[];
  error(fault: ErrorFault, apiKey: string, model: string): WireError;
  /** The provider's body for a request it refuses (400 unless the error says otherwise). */
  invalidRequest(message: string, details?: { param?: string; code?: string }): WireError;
}

/** A request the real API would refuse, with the `param` and `code` OpenAI would name. */
export class WireRequestError extends Error {
  readonly param: string | undefined;
  readonly code: string | undefined;
  constructor(message: string, details: { param?: string; code?: string } = {}) {
    super(message);
    this.param = details.param;
    this.code = details.code;
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
