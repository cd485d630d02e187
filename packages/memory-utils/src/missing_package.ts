/**
 * True when `error` says the package `pkg` itself is not installed. Only the specifier quoted as
 * Node and Vite quote it counts: an installed package whose own dependency is missing mentions
 * our name in a path, unquoted, and is a different failure that must not be reported as
 * "install it".
 */
export function isMissingPackage(error: unknown, pkg: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  const notFound =
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    e?.code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Failed to (load|resolve)|does not exist/i.test(message);
  return notFound && (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`));
}
