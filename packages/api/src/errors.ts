import type { ServerResponse } from 'node:http';

/** The App Mesh API's error codes (and the signing errors AWS's front door answers with), by HTTP status. */
export const ERROR_STATUS = {
  BadRequestException: 400,
  LimitExceededException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
  ResourceInUseException: 409,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
  ServiceUnavailableException: 503,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
} as const;

export type ApiErrorCode = keyof typeof ERROR_STATUS;

/** A refusal the SDKs parse: `x-amzn-ErrorType` header and a `{message}` body. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { message: err.message }, { 'x-amzn-errortype': err.code });
}
