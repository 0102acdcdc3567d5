/** Shared with the sign-up form, so it must stay free of server-only imports. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
