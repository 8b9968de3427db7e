import type { SimulatedCall, SimulatedOutcome } from './answer.ts';
import type { SimulatorFault } from './types.ts';

/** Faults answered with an HTTP error in the provider's own body shape. */
export type ErrorFault = Extract<SimulatorFault, { fault: 'rate_limit' | 'server' | 'unavailable' | 'overloaded' | 'context_too_long' | 'auth' }>;

export interface WireError {
  status: number;
  body: Record<string, unknown>;
}

/** One provider's wire API as the simulator speaks it. */
export interface WireFormat {
  /** Reads a request body; throws a `WireRequestError` on one the real API would reject. */
  parse(body: Record<string, unknown>): SimulatedCall;
  response(call: SimulatedCall, outcome: SimulatedOutcome, id: string): Record<string, unknown>;
  /** Complete SSE frames (`event:`/`data:` lines ending in a blank line), terminator included. */
  streamFrames(call: SimulatedCall, outcome: SimulatedOutcome, id: string): string[];
  error(fault: ErrorFault, apiKey: string): WireError;
  invalidRequest(message: string): WireError;
}

export class WireRequestError extends Error {}

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
