/**
 * The one client the console talks through: the node that served the page (same origin, so no CORS), by the SDK's
 * browser entry. Nothing else in the console calls `fetch` or opens a socket.
 */
import { BabyClient } from '@babychain/client';

export const client = new BabyClient({ url: location.origin });
