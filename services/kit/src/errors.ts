/** Infrastructure faults throw; business rejections are events, never exceptions. */
export type KitErrorCode =
  | 'poison-message'
  | 'unknown-event-type'
  | 'validation-failed'
  | 'not-found'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'unavailable'
  | 'bad-gateway'
  | 'too-many'
  | 'too-large'
  | 'unsupported-media-type'
  | 'overloaded';

export class KitError extends Error {
  constructor(
    readonly code: KitErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'KitError';
  }
}

/** A message that no retry can fix: it goes to the dead-letter queue. */
export class PoisonMessageError extends KitError {
  constructor(message: string, details: Record<string, unknown> = {}, options: { cause?: unknown } = {}) {
    super('poison-message', message, details, options);
  }
}

/** An HTTP answer other than success: status, a code, and the field at fault. */
export class HttpError extends KitError {
  constructor(
    readonly status: number,
    code: KitErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}
