/** Getting a recording into the page: a file (button or drop) or `?replay=<same-origin path>`. */
import { parseRecording, type Recording } from '@zkviz/shared';

export type LoadResult = { ok: true; name: string; recording: Recording } | { ok: false; message: string };

/** A recording file is text; past this it is not one the gateway wrote (its default cap is 16 MiB). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

function fromText(name: string, text: string): LoadResult {
  const parsed = parseRecording(text);
  if (!parsed.ok) return { ok: false, message: `${name}: ${parsed.message}` };
  return { ok: true, name, recording: parsed.recording };
}

export async function loadFile(file: File): Promise<LoadResult> {
  if (file.size > MAX_FILE_BYTES) return { ok: false, message: `${file.name} is too large to be a zkviz recording` };
  return fromText(file.name, await file.text());
}

/**
 * Only same-origin paths: a link must not make the page fetch from elsewhere (the CSP's
 * connect-src 'self' would refuse anyway; this says so clearly instead of failing silently).
 */
export function replayUrl(param: string, here: Location): URL | string {
  let url: URL;
  try {
    url = new URL(param, here.href);
  } catch {
    return `?replay=${param} is not a URL`;
  }
  if (url.origin !== here.origin) return `refusing to replay from another origin (${url.origin}); use a path on this server`;
  return url;
}

export async function loadUrl(url: URL): Promise<LoadResult> {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) return { ok: false, message: `${url.pathname}: the server answered ${res.status}` };
    return fromText(url.pathname.split('/').pop() || url.pathname, await res.text());
  } catch {
    return { ok: false, message: `${url.pathname}: could not be fetched` };
  }
}
