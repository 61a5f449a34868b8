/**
 * The names the processes agree on, defined once: main, the preloads, the store-host page
 * and the browser-mode bridge all import them, so a renamed channel cannot leave one side
 * listening on the old name. Direction is in the name (`api:` calls go to main, `push:`
 * messages come from main).
 */

/** The one IPC invoke channel that carries every contract method to main. */
export const API_CHANNEL = 'api:call';

/**
 * The channel of live event pushes from main: the IPC channel in the desktop app, and the
 * `channel` field of a push message on the browser-mode socket.
 */
export const PUSH_CHANNEL = 'push:events';

/**
 * Main hands the store host its end of a MessageChannelMain on this IPC channel; the store
 * host's preload passes the port on to its page in a window message of the same name.
 */
export const STORE_PORT_CHANNEL = 'store-port';
