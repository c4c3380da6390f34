/** A repository URL fit for logs: any `user:password@` part becomes `***@`. Local paths pass unchanged. */
export function redactUrl(repo: string): string {
  return repo.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
