/** A fetch for the SDK's unit tests: answers from a script and records every request it got. */
export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export type Answer = Response | Error | ((request: Recorded) => Response);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function apiError(
  status: number,
  type: string,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const error = {
    type,
    code,
    message: `${code}.`,
    request_id: "req_test",
    doc_url: `https://x/${code}`,
    ...extra,
  };
  return json(status, { error }, { "x-request-id": "req_test", ...headers });
}

export function fakeFetch(answers: Answer[]) {
  const requests: Recorded[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const recorded = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
    };
    requests.push(recorded);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`no answer scripted for ${request.method} ${request.url}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer(recorded) : answer;
  };
  return { fetch, requests };
}

/** A sleep that records how long it was asked to wait and returns at once. */
export function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}
