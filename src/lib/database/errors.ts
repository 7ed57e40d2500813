/** A row asked for by id does not exist in this server (it may exist in another: that is not said). */
export class NotFoundError extends Error {
	public constructor(what: string) {
		super(`${what} does not exist in this server`);
		this.name = 'NotFoundError';
	}
}

/** A write would break a rule of the data (a duplicate name, a balance below zero, ...). */
export class ConflictError extends Error {
	public constructor(message: string) {
		super(message);
		this.name = 'ConflictError';
	}
}

/** An argument is out of its range; nothing was written. */
export class InvalidInputError extends Error {
	public constructor(message: string) {
		super(message);
		this.name = 'InvalidInputError';
	}
}

export function assertPositiveInteger(value: number, what: string): void {
	if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidInputError(`${what} must be a whole number above 0 (got ${value})`);
}
