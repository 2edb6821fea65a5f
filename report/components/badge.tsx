/** A small coloured label; the words always say what the colour does. */
import type { ComponentChildren } from "preact";

/** A badge of state `pass`, `fail` or `skip`. */
export function Badge(props: { state: "pass" | "fail" | "skip"; children: ComponentChildren }) {
  return <span class={`badge ${props.state}`}>{props.children}</span>;
}
