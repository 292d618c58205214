import { InfraError } from './errors.js';

/** Someone else wrote the object since we read it (HTTP 409): re-read and retry. */
export class ConflictError extends InfraError {}

/** The object does not exist (HTTP 404). */
export class NotFoundError extends InfraError {}
