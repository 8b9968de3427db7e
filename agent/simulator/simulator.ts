import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerFromReply, computeUsage, defaultAnswer, truncateAnswer, type SimulatedCall, type SimulatedOutcome } from './answer.ts';
import type { ModelCapabilities } from '../../contracts/types.ts';
import { anthropicWire, thinkingSignature } from './anthropic-wire.ts';
import { openAIWire } from './openai-wire.ts';
import { parseUsageHeader, SIM_USAGE_HEADER, SIMULATED_HEADER, SIMULATED_ID_PREFIX } from './protocol.ts';
import type { RecordedRequest, Responder, ScriptStep, SimulatedModel, SimulatedUsage, Simulator, SimulatorApi, SimulatorFault, SimulatorOptions, UsageHook } from './types.ts';
import { WireRequestError, type WireError, type WireFormat } from './wire.ts';

/**
 * Without a model list the simulator cannot know a model's own rules; it accepts what any
 * model might (the checks that hold for every model, strict schemas, empty blocks, forged
 * thinking signatures, still apply).
 */
const UNDESCRIBED_MODEL: ModelCapabilities = {
  reasoning: false,
  samplingParameters: true,
  tokenLimitParameter: 'max_completion_tokens',
  systemRole: 'system',
  structuredOutput: 'strict',
  toolCalling: true,
  promptCaching: true,
  thinking: 'none',
};

const ROUTES: Record<string, { api: SimulatorApi; wire: WireFormat; idPrefix: string }> = {
  '/v1/chat/completions': { api: 'openai', wire: openAIWire, idPrefix: `${SIMULATED_ID_PREFIX}chatcmpl-` },
  '/v1/messages': { api: 'anthropic', wire: anthropicWire, idPrefix: `${SIMULATED_ID_PREFIX}msg_` },
};

/** How many recent requests `requests` keeps unless `SimulatorOptions.requestLog` says otherwise. */
export const DEFAULT_REQUEST_LOG = 1_000;
const MAX_MODELS_LISTED = 1_000;
const MAX_PREFIXES_REMEMBERED = 10_000;

/**
 * Starts the provider simulator: a loopback HTTP server that speaks OpenAI chat completions
 * and Anthropic messages well enough for the real SDKs, answers deterministically unless
 * scripted, and marks every answer simulated (`sim-` ids, `x-switchboard-simulated: 1`).
 * It is as strict as the real APIs: given `options.models`, an unknown or retired model id is
 * a 404, and every request is checked against its model's rules (see the wire files).
 * Resolves once listening.
 */
/** `setFault(ANY_MODEL, fault)`: an outage of every model without a fault of its own (`switchboard simulate --fault`). */
export const ANY_MODEL = '*';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const scripts = new Map<string, ScriptStep[]>();
  const faults = new Map<string, SimulatorFault>();
  const usageHooks = new Map<string, UsageHook>();
  const responders = new Map<string, Responder>();
  const seenPrefixes = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  // A window of the most recent requests, not a history: the simulator also runs inside the daemon.
  const requestLog = options.requestLog ?? DEFAULT_REQUEST_LOG;
  const requests: RecordedRequest[] = [];
  const modelsSeen = new Set<string>();
  const issuedSignatures = new Set<string>();
  const known = options.models ? new Map(options.models.map((model) => [`${model.api}\u0000${model.apiModel}`, model])) : undefined;
  const clock = options.clock ?? (() => new Date());
  let sequence = 0;

  /** The model a request names, or undefined when the real API would answer 404 for it. */
  function modelOf(api: SimulatorApi, name: string): SimulatedModel | undefined {
    if (!known) return { apiModel: name, api, capabilities: UNDESCRIBED_MODEL, maxOutputTokens: Number.MAX_SAFE_INTEGER };
    const model = known.get(`${api}\u0000${name}`);
    if (!model) return undefined;
    if (model.retires !== undefined && clock().toISOString().slice(0, 10) >= model.retires) return undefined;
    return model;
  }

  /**
   * What `GET /v1/models` lists: with a model table, the models of the asking API (Anthropic's
   * SDK sends `anthropic-version`) that are not retired today, as the real list does; without
   * one, the models requests have named so far.
   */
  function listedModels(request: IncomingMessage): string[] {
    if (!known) return [...modelsSeen];
    const api: SimulatorApi = request.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
    return [...known.values()].filter((model) => model.api === api && modelOf(api, model.apiModel) !== undefined).map((model) => model.apiModel);
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/v1/models') return sendJson(response, 200, modelList(listedModels(request)));
    const route = request.method === 'POST' && Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    if (!route) return sendJson(response, 404, { error: { message: `Unknown route ${request.method} ${path} (simulated)`, type: 'invalid_request_error', param: null, code: 'not_found' } });
    const { api, wire } = route;

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(request)) as Record<string, unknown>;
    } catch {
      return sendError(response, wire.invalidRequest('The request body is not valid JSON.'));
    }
    const recorded: RecordedRequest = { api, method: 'POST', path, headers: request.headers, body, model: typeof body.model === 'string' ? body.model : '' };
    requests.push(recorded);
    if (requests.length > requestLog) requests.shift();
    if (recorded.model && modelsSeen.size < MAX_MODELS_LISTED) modelsSeen.add(recorded.model);

    const model = modelOf(api, recorded.model);
    if (!model) return sendError(response, wire.error({ fault: 'model_not_found' }, apiKeyOf(request), recorded.model));
    let call: SimulatedCall;
    let headerUsage: SimulatedUsage | undefined;
    try {
      call = wire.parse(body, { model, issuedSignatures });
      headerUsage = parseUsageHeader(request.headers[SIM_USAGE_HEADER]);
    } catch (error) {
      // A request the real API would refuse (WireRequestError) or a broken usage header.
      if (!(error instanceof Error)) throw error;
      return sendError(response, wire.invalidRequest(error.message, error instanceof WireRequestError ? { param: error.param, code: error.code } : {}));
    }

    const step =
      scripts.get(call.model)?.shift() ??
      (faults.get(call.model) ?? faults.get(ANY_MODEL)) ??
      responders.get(call.model)?.({ ...recorded, promptText: call.promptText, lastUserText: call.lastUserText, responseSchema: call.responseSchema });
    const fault = step !== undefined && 'fault' in step ? step : undefined;
    const reply = step !== undefined && !('fault' in step) ? step : undefined;

    switch (fault?.fault) {
      case 'rate_limit':
        return sendError(response, wire.error(fault, apiKeyOf(request), call.model), { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      case 'server':
      case 'unavailable':
      case 'overloaded':
      case 'context_too_long':
      case 'auth':
      case 'model_not_found':
      case 'quota':
        return sendError(response, wire.error(fault, apiKeyOf(request), call.model));
      case 'hang':
        return; // closed by the client's timeout or by close()
      case 'drop':
        request.socket.destroy();
        return;
      case 'malformed':
        response.writeHead(200, { 'content-type': 'application/json', [SIMULATED_HEADER]: '1' });
        response.end(`{"id":"${SIMULATED_ID_PREFIX}malformed","choices":[{`);
        return;
      case 'delay':
        await sleep(fault.ms);
        if (response.destroyed) return;
        break;
      case 'cut':
      case undefined:
        break;
    }

    const answer = truncateAnswer(reply ? answerFromReply(reply) : defaultAnswer(call), call.maxTokens);
    const prefixKey = `${api}\u0000${call.model}\u0000${createHash('sha256').update(call.prefixText).digest('hex')}`;
    const computed = computeUsage(call, answer.answer, seenPrefixes.has(prefixKey));
    if (call.prefixText.length > 0 && call.caching !== 'none') {
      // Bounded like the request log: forgetting the oldest prefix only costs a simulated cache miss.
      if (seenPrefixes.size >= MAX_PREFIXES_REMEMBERED) seenPrefixes.delete(seenPrefixes.values().next().value!);
      seenPrefixes.add(prefixKey);
    }
    const dictated = reply?.usage ?? headerUsage ?? usageHooks.get(call.model)?.(recorded);
    const outcome: SimulatedOutcome = { ...answer, usage: dictated ? completeUsage(dictated) : computed };
    const id = `${route.idPrefix}${++sequence}`;
    if (call.thinking) issuedSignatures.add(thinkingSignature(id));

    if (call.stream) {
      const frames = wire.streamFrames(call, outcome, id);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', [SIMULATED_HEADER]: '1' });
      if (fault?.fault === 'cut') return cutAfter(response, frames.slice(0, fault.afterChunks).join(''));
      response.end(frames.join(''));
      return;
    }
    const text = JSON.stringify(wire.response(call, outcome, id));
    if (fault?.fault === 'cut') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), [SIMULATED_HEADER]: '1' });
      return cutAfter(response, text.slice(0, Math.floor(text.length / 2)));
    }
    sendJson(response, 200, text);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendJson(response, 500, { error: { message: `Simulator failure: ${String(error)}`, type: 'server_error', param: null, code: null } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    script(model, ...steps) {
      scripts.set(model, [...(scripts.get(model) ?? []), ...steps]);
    },
    setFault(model, fault) {
      if (fault === undefined) faults.delete(model);
      else faults.set(model, fault);
    },
    setUsageFor(model, hook) {
      if (hook === undefined) usageHooks.delete(model);
      else usageHooks.set(model, hook);
    },
    setResponder(model, responder) {
      if (responder === undefined) responders.delete(model);
      else responders.set(model, responder);
    },
    reset() {
      scripts.clear();
      faults.clear();
      usageHooks.clear();
      responders.clear();
      seenPrefixes.clear();
      requests.length = 0;
      modelsSeen.clear();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function completeUsage(usage: SimulatedUsage): Required<SimulatedUsage> {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
  };
}

function apiKeyOf(request: IncomingMessage): string {
  const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, '');
  const header = request.headers['x-api-key'];
  return bearer ?? (Array.isArray(header) ? header[0] : header) ?? '';
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), [SIMULATED_HEADER]: '1', ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  sendJson(response, error.status, error.body, headers);
}

/** Writes what the client gets to see, then destroys the socket mid-answer. */
function cutAfter(response: ServerResponse, partial: string): void {
  response.flushHeaders();
  response.write(partial, () => response.socket?.destroy());
  if (partial.length === 0) response.socket?.destroy();
}

function modelList(models: string[]) {
  const ids = models.filter((model) => model.length > 0);
  const data = (ids.length > 0 ? ids : ['simulated']).map((id) => ({
    id,
    object: 'model',
    type: 'model',
    display_name: id,
    created: 0,
    created_at: '2000-01-01T00:00:00Z',
    owned_by: 'switchboard-simulator',
  }));
  return { object: 'list', data, has_more: false, first_id: data[0].id, last_id: data[data.length - 1].id };
}
