// Previews in the artifact browser: images drawn from the bytes the
// download endpoint serves (as a blob: URL, which the CSP's img-src allows),
// text files shown as text (textContent, never markup), both size-capped.
import { h } from './dom.js';

// A text preview shows at most this many bytes: the start of a large log.
export const MAX_TEXT_PREVIEW_BYTES = 64 * 1024;
// Larger images are not fetched into the page (download them instead).
export const MAX_IMAGE_PREVIEW_BYTES = 16 * 1024 * 1024;

const IMAGE_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const TEXT_EXTENSIONS = new Set(['txt', 'log', 'json', 'yaml', 'yml', 'csv', 'md', 'patch', 'diff']);

// 'image', 'text' or null (no preview) for a file of `size` bytes at `path`.
export function previewKind(path, size) {
  const ext = path.includes('.') ? path.split('.').pop().toLowerCase() : '';
  if (IMAGE_TYPES[ext]) return size <= MAX_IMAGE_PREVIEW_BYTES ? 'image' : null;
  if (TEXT_EXTENSIONS.has(ext)) return 'text';
  return null;
}

// The first `maxBytes` of a response body, and whether there was more.
async function readPrefix(res, maxBytes) {
  const reader = res.body.getReader();
  const parts = [];
  let bytes = 0;
  while (bytes < maxBytes) {
    const { done, value } = await reader.read();
    if (done) return { data: concat(parts, bytes), more: false };
    parts.push(value);
    bytes += value.length;
  }
  reader.cancel().catch(() => {});
  return { data: concat(parts, bytes).subarray(0, maxBytes), more: true };
}

function concat(parts, bytes) {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// An element previewing the file at `url` (fetched same-origin), or a note
// where it has no preview. Revokes the image's blob URL once drawn.
export async function filePreview(url, path, size) {
  const kind = previewKind(path, size);
  if (!kind) return h('p', { class: 'empty', text: `No preview for ${path}: download it.` });
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  if (kind === 'image') {
    const ext = path.split('.').pop().toLowerCase();
    const blob = new Blob([await res.arrayBuffer()], { type: IMAGE_TYPES[ext] });
    const src = URL.createObjectURL(blob);
    const img = h('img', { class: 'preview-image', alt: path, src });
    img.addEventListener('load', () => URL.revokeObjectURL(src), { once: true });
    img.addEventListener('error', () => URL.revokeObjectURL(src), { once: true });
    return img;
  }
  const { data, more } = await readPrefix(res, MAX_TEXT_PREVIEW_BYTES);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data);
  return h('pre', { class: 'preview-text', text: more ? `${text}\n[... more: download the file]` : text });
}
