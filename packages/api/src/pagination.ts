import { ApiError } from './errors.ts';

/** One page of `items` (sorted by the caller) after `nextToken`, at most `limit` (App Mesh: 1-100). */
export function page<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  query: URLSearchParams,
  maxLimit = 100,
): { items: T[]; nextToken?: string } {
  const rawLimit = query.get('limit');
  let limit = maxLimit;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      throw new ApiError(
        'BadRequestException',
        `limit must be an integer from 1 to ${maxLimit} (got '${rawLimit}')`,
      );
    }
  }
  let start = 0;
  const token = query.get('nextToken');
  if (token !== null) {
    let after: unknown;
    try {
      after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    } catch {
      after = undefined;
    }
    if (typeof after !== 'string')
      throw new ApiError('BadRequestException', 'nextToken is not one this API returned');
    start = items.findIndex((i) => nameOf(i) > after);
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    items: slice,
    ...(more
      ? { nextToken: Buffer.from(JSON.stringify({ after: nameOf(slice.at(-1)!) })).toString('base64url') }
      : {}),
  };
}
