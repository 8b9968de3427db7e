/** The bare address of "Name <me@example.com>" or "me@example.com", lower case; undefined when there is none. */
export function bareAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const angle = /<([^<>]+)>\s*$/.exec(value);
  const address = (angle ? angle[1] : value).trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : undefined;
}
