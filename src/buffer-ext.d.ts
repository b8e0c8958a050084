// Node's Buffer has fast latin1 codecs that @types/node does not declare. They map each
// byte to one UTF-16 code unit and back, which is how nodis keeps values binary-safe.
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(value: string, offset?: number, length?: number): number;
  }
}
export {};
