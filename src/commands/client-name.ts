import { CLIENT_NAME_CHARS } from '../errors.js';

/** validateClientName: names may only hold printable ASCII from '!' to '~' (no spaces). */
export function validateClientName(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      throw CLIENT_NAME_CHARS;
    }
  }
}
