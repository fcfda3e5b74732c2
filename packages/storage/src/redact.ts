// Credentials never leave the process in text: `scheme://user:secret@host` becomes
// `scheme://***@host` in every error message and log line that may quote a URI.

// Up to the last "@" before any blank or quote: secrets may hold "/" (AWS secret keys do), so a
// path with an "@" in it is masked too, which loses nothing secret.
const USERINFO = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s"'`<>@]*@/g;

/** `text` with the user-info part of every URI in it replaced by `***`. */
export function redactUri(text: string): string {
  return text.includes('@') ? text.replace(USERINFO, '$1***@') : text;
}
