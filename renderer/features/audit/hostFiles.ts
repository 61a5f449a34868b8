/**
 * Browser mode's files through the host's /files endpoints (main/web/fileTransfer.ts): the
 * page cannot give the host a path on its own machine, so an uploaded file becomes a path on
 * the host, and an export written in the host's folder comes back as a download.
 */

/** The per-run token from this page's address; null in the desktop app (no such address). */
export function hostToken(): string | null {
  if (typeof location === 'undefined' || !location.protocol.startsWith('http')) return null;
  return new URLSearchParams(location.search).get('token');
}

/** True where files go through the host over HTTP (browser mode). */
export const hasHostFiles = (): boolean => hostToken() !== null;

async function post(path: string, body?: Blob): Promise<unknown> {
  const token = hostToken();
  if (!token) throw new Error('this page was opened without its token: open the address the host printed');
  const response = await fetch(path, { method: 'POST', headers: { 'x-plant-token': token }, ...(body ? { body } : {}) });
  // The host answers a refusal in one sentence of plain text.
  if (!response.ok) throw new Error((await response.text()).trim() || `the host answered ${response.status}`);
  return response.json();
}

/** Streams the file to the host and answers the path the host keeps it at. */
export async function uploadToHost(file: File): Promise<string> {
  const extension = /\.([a-z0-9]{1,10})$/.exec(file.name.toLowerCase())?.[1];
  const { path } = (await post(`/files/upload${extension ? `?ext=${extension}` : ''}`, file)) as { path: string };
  return path;
}

/** A fresh path in the host's folder to export into, and the name to download it by. */
export async function exportTargetOnHost(format: string): Promise<{ path: string; name: string }> {
  return (await post(`/files/export-target?format=${encodeURIComponent(format)}`)) as { path: string; name: string };
}

/** Starts the browser's download of an export the host wrote (served once, then deleted). */
export function downloadFromHost(name: string): void {
  const link = document.createElement('a');
  link.href = `/files/download?name=${encodeURIComponent(name)}&token=${encodeURIComponent(hostToken() ?? '')}`;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}
