// A thin client for the agents' API: the bearer token, French answers, errors with their code and the
// server's message (already in the page's language).
import { t } from './i18n.js';

export class ApiError extends Error {
  /** What came with the error besides its code and message (the current values after a conflict, counts…). */
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export function createApi(session: { token: () => string | null; onUnauthorized: () => void }) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'accept-language': document.documentElement.lang || 'fr' };
    const token = session.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'network', t('ui.error.network'));
    }
    if (res.status === 204) return undefined as T;
    // A body that is not JSON (a proxy's page) leaves the status to speak.
    const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } & Record<string, unknown> } | null;
    if (!res.ok) {
      if (res.status === 401 && token) session.onUnauthorized();
      const { code = 'error', message = t('ui.error.network'), ...details } = json?.error ?? {};
      throw new ApiError(res.status, code, message, details);
    }
    return json as T;
  }
  /** A file the server makes (an export), as it is, for the browser to save. */
  async function download(path: string): Promise<Blob> {
    const token = session.token();
    const res = await fetch(path, { headers: { 'accept-language': document.documentElement.lang || 'fr', ...(token ? { authorization: `Bearer ${token}` } : {}) } }).catch(() => null);
    if (!res) throw new ApiError(0, 'network', t('ui.error.network'));
    if (!res.ok) {
      const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? t('ui.error.network'));
    }
    return res.blob();
  }
  return {
    download,
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
    put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
    patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
    delete: <T>(path: string) => request<T>('DELETE', path),
  };
}
export type Api = ReturnType<typeof createApi>;
