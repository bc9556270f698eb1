/**
 * Removes credentials from text that may be shown or stored (error messages, logs, transcripts):
 * bearer tokens, `api_key=…`/`authorization: …` values, provider key shapes (`sk-…`), a URL's
 * user info (`redis://:password@host`), key-like query values (`?key=…`), and each of `known`
 * (an API key or a password the caller holds) wherever it appears.
 * @example
 * redactSecrets('GET https://u:p@host/v1?api-key=abc', [apiKey]); // 'GET https://[redacted]@host/v1?api-key=[redacted]'
 */
export function redactSecrets(text: string, known: readonly (string | undefined)[] = []): string {
  let clean = text
    .replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]')
    .replace(/(authorization|api[-_]?key|x-api-key)(["']?\s*[:=]\s*["']?)([^\s"',}&]+)/gi, '$1$2[redacted]')
    .replace(/\b(sk|sk-ant|sk-proj)-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/(\/\/)[^/\s:@]*:[^/\s@]+@/g, '$1[redacted]@')
    .replace(/([?&][\w-]*(?:key|token|secret|sig|signature|password)=)[^&\s"')]+/gi, '$1[redacted]');
  // Too short a secret would redact ordinary words.
  for (const secret of known)
    if (secret !== undefined && secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  return clean;
}
