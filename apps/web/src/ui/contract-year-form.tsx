/**
 * The choice of a contract year and of an "as known on" instant, shared by the pages of a contract year
 * (financing, yearly review): submitting navigates to `page?contractYear=&asOf=`.
 */
import { useState } from 'preact/hooks';
import { parisIso, parisLocal } from '../format';
import { href, navigate } from '../router';

export const CONTRACT_YEARS = [1, 2, 3, 4, 5];

export function ContractYearForm(props: {
  /** The page's route, e.g. `/financing`. */
  page: string;
  /** Prefix of the controls' ids (unique on the page). */
  id: string;
  formKey: string;
  contractYear: number;
  asOf?: string;
  yearLabel: (n: number) => string;
  text: {
    choose: string;
    contractYear: string;
    asOf: string;
    asOfHint: string;
    badAsOf: string;
    show: string;
  };
}) {
  const { text, id, asOf } = props;
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      key={props.formKey}
      class="filters"
      role="search"
      aria-label={text.choose}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const year = data.get('contractYear');
        const local = data.get('asOf');
        const at = typeof local === 'string' && local !== '' ? parisIso(local) : undefined;
        if (at === null) {
          setProblem(text.badAsOf);
          return;
        }
        setProblem(null);
        navigate(href(props.page, { contractYear: typeof year === 'string' ? year : '', asOf: at }));
      }}
    >
      {problem && (
        <div class="alert error form-problem" role="alert">
          {problem}
        </div>
      )}
      <div class="field">
        <label for={`${id}-year`}>{text.contractYear}</label>
        <select id={`${id}-year`} name="contractYear">
          {CONTRACT_YEARS.map((n) => (
            <option key={n} value={String(n)} selected={n === props.contractYear}>
              {props.yearLabel(n)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-as-of`}>{text.asOf}</label>
        <input
          id={`${id}-as-of`}
          type="datetime-local"
          name="asOf"
          defaultValue={asOf ? parisLocal(asOf) : ''}
          aria-describedby={`${id}-as-of-hint`}
        />
      </div>
      <button type="submit" class="primary">
        {text.show}
      </button>
      <p id={`${id}-as-of-hint`} class="hint as-of-hint">
        {text.asOfHint}
      </p>
    </form>
  );
}
