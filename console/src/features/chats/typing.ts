/** "Typing" goes out at most once per THROTTLE_MS while the agent types… */
export const TYPING_THROTTLE_MS = 2000;
/** …and "stopped" after this long without input (or at once on send). */
export const TYPING_IDLE_MS = 3000;

export interface TypingNotifier {
  /** The agent changed the text. */
  input(): void;
  /** The message went out, the chat closed or the pane is going away. */
  stop(): void;
}

/** Turns keystrokes into few `chat:typing` signals. Timer-driven, so fake timers test it. */
export function createTypingNotifier(send: (typing: boolean) => void): TypingNotifier {
  let typing = false;
  let throttled = false;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearTimeout(idle);
    idle = undefined;
    if (!typing) return;
    typing = false;
    send(false);
  };

  return {
    input() {
      if (!throttled) {
        send(true);
        throttled = true;
        setTimeout(() => {
          throttled = false;
        }, TYPING_THROTTLE_MS);
      }
      typing = true;
      clearTimeout(idle);
      idle = setTimeout(stop, TYPING_IDLE_MS);
    },
    // The throttle stays: a quick "stopped" then "typing" again still counts against it.
    stop,
  };
}
