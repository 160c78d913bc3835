/**
 * A data table in its own scrolling region, so that a wide table scrolls by itself on a tablet instead of
 * the page. The region is focusable (keyboard scrolling) and named like the table's caption.
 */
import type { ComponentChildren } from 'preact';

export function TableRegion(props: { label: string; class?: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabIndex={0}>
      <table class={props.class}>
        <caption class="visually-hidden">{props.label}</caption>
        {props.children}
      </table>
    </div>
  );
}
