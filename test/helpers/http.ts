// One real HTTP request to the app under test, answered with its status, headers, text and JSON (when
// it is JSON), for tests that look at exact answers (hostile input, trust).
export async function request(base: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // a page, a file or an empty answer
  }
  return { status: res.status, headers: res.headers, json, text };
}
