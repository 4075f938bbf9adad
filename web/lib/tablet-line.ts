// A shared floor tablet is bound to one line: the binding is a device setting (not a credential),
// kept in localStorage, and decides where PIN sign-in lands.
const KEY = "ms5.tablet-line";

export interface TabletLine {
  id: string;
  name: string;
}

export function readTabletLine(): TabletLine | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? "null") as TabletLine | null;
    return parsed && typeof parsed.id === "string" ? parsed : null;
  } catch {
    return null;
  }
}

export function bindTabletLine(line: TabletLine | null): void {
  if (line) localStorage.setItem(KEY, JSON.stringify(line));
  else localStorage.removeItem(KEY);
}
