/**
 * A link from a dump, kept only when it is an absolute http(s) URL: `javascript:`, `data:`,
 * `file:` and relative links are dropped wherever dumps are read and wherever a stored link is
 * printed, so neither an email's HTML nor its text part ever offers one.
 */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!/^https?:\/\//i.test(v) || /[\s\p{Cc}]/u.test(v)) return null;
  try {
    const { protocol, hostname } = new URL(v);
    return (protocol === 'http:' || protocol === 'https:') && hostname !== '' ? v : null;
  } catch {
    return null;
  }
}
