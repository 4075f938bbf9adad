// Outcomes of the inbox and preference mutations a client is expected to handle.
export {};
