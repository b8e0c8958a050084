/** The Redis version nodis is compatible with (INFO redis_version, HELLO) and nodis's own. */
export const REDIS_COMPAT_VERSION = '7.2.4';
export const NODIS_VERSION = '0.1.0';
