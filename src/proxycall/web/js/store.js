// Conversations this tab has open: messages shown so far and the last response, per id.

const TYPES_KEY = "proxycall.agentTypes";
const MAX_REMEMBERED = 200;
const open = new Map();

function readTypes() {
  try { return JSON.parse(localStorage.getItem(TYPES_KEY) ?? "{}") ?? {}; } catch { return {}; }
}

/** Remembers which agent a conversation is for, so a reload can resume it. */
export function rememberType(id, agentType) {
  const types = readTypes();
  types[id] = agentType;
  const ids = Object.keys(types);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_REMEMBERED))) delete types[old];
  try { localStorage.setItem(TYPES_KEY, JSON.stringify(types)); } catch { /* memory only */ }
}

/** The agent type of a conversation this browser started, if known. */
export function knownType(id) {
  return open.get(id)?.agentType ?? readTypes()[id] ?? null;
}

/** A fresh conversation (nothing sent yet); `slots` are sent with its first turn. */
export function startConversation(id, agentType, slots = null) {
  rememberType(id, agentType);
  const convo = { id, agentType, items: [], last: null, fresh: true, callId: null, callKey: null,
    prefill: slots };
  open.set(id, convo);
  return convo;
}

/** A conversation reopened from the server: only its last response is known. */
export function resumeConversation(id, agentType, last) {
  rememberType(id, agentType);
  const convo = { id, agentType, items: [], last, fresh: false, resumed: true,
    callId: null, callKey: null };
  open.set(id, convo);
  return convo;
}

/** The conversation if this tab already has it. */
export function getConversation(id) {
  return open.get(id) ?? null;
}
