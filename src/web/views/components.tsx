// The building blocks of every page, in Designsystemet's patterns: one field pattern (label,
// hint, input, message), one error summary, one table. Pages compose these and add no CSS of their own.
import type { ComponentChildren } from 'preact'
import type { PageContext } from '../context.ts'

/** Errors of a form: field name -> message (already in the page language). */
export type FieldErrors = Readonly<Record<string, string>>

/** The ids an input is described by: its hint and its error message, where it has them. */
function describedBy(id: string, hint: string | undefined, error: string | undefined): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
}

/** A field's label and hint, the same above every kind of input. */
function LabelAndHint({ id, label, hint }: { readonly id: string; readonly label: string; readonly hint?: string | undefined }) {
  return (
    <>
      <label class="ds-label" for={id}>
        {label}
      </label>
      {hint && (
        <div data-field="description" id={`${id}-hint`}>
          {hint}
        </div>
      )}
    </>
  )
}

type FieldProps = {
  readonly name: string
  readonly label: string
  readonly hint?: string | undefined
  readonly errors?: FieldErrors | undefined
  readonly value?: string | undefined
  readonly type?: 'text' | 'email' | 'password' | 'date' | 'number' | 'time' | 'search'
  readonly required?: boolean
  readonly autocomplete?: string
  readonly inputmode?: 'numeric' | 'text' | 'email'
  readonly width?: 'short' | 'medium'
  /** An id other than the name (several fields of one name on a page). */
  readonly id?: string
  readonly min?: string
  readonly max?: string
}

/** A label, an optional hint, the input and its error message, tied together by id and aria. */
export function Field(p: FieldProps) {
  const id = p.id ?? `f-${p.name}`
  const error = p.errors?.[p.name]
  const described = describedBy(id, p.hint, error)
  // Preact types each input type apart; the attributes are built once here for all of them.
  const inputAttrs = {
    class: 'ds-input',
    id,
    name: p.name,
    type: p.type ?? 'text',
    value: p.value ?? '',
    required: p.required,
    autocomplete: p.autocomplete,
    inputmode: p.inputmode,
    min: p.min,
    max: p.max,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': described,
    'data-width': p.width,
  }
  return (
    <div class="ds-field">
      <LabelAndHint id={id} label={p.label} hint={p.hint} />
      <input {...(inputAttrs as object)} />
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  )
}

export function FieldError({ id, message }: { readonly id: string; readonly message: string }) {
  return (
    <div class="ds-validation-message" data-field="validation" id={id}>
      {message}
    </div>
  )
}

type SelectProps = {
  readonly name: string
  readonly label: string
  readonly options: readonly { readonly value: string; readonly label: string }[]
  readonly value?: string | undefined
  readonly hint?: string | undefined
  readonly errors?: FieldErrors | undefined
  readonly id?: string
  readonly required?: boolean
}

export function Select(p: SelectProps) {
  const id = p.id ?? `f-${p.name}`
  const error = p.errors?.[p.name]
  const described = describedBy(id, p.hint, error)
  return (
    <div class="ds-field">
      <LabelAndHint id={id} label={p.label} hint={p.hint} />
      <select class="ds-input" id={id} name={p.name} required={p.required} aria-invalid={error ? 'true' : undefined} aria-describedby={described}>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  )
}

export function TextArea(p: { readonly name: string; readonly label: string; readonly hint?: string; readonly value?: string | undefined; readonly errors?: FieldErrors | undefined; readonly required?: boolean }) {
  const id = `f-${p.name}`
  const error = p.errors?.[p.name]
  const described = describedBy(id, p.hint, error)
  return (
    <div class="ds-field">
      <LabelAndHint id={id} label={p.label} hint={p.hint} />
      <textarea class="ds-input" id={id} name={p.name} rows={3} required={p.required} aria-invalid={error ? 'true' : undefined} aria-describedby={described}>
        {p.value ?? ''}
      </textarea>
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  )
}

/** A checkbox with its label to the right, Designsystemet's pattern. */
export function Checkbox(p: { readonly name: string; readonly label: string; readonly checked?: boolean | undefined; readonly hint?: string; readonly value?: string; readonly id?: string }) {
  const id = p.id ?? `f-${p.name}`
  return (
    <div class="ds-field">
      <input class="ds-input" type="checkbox" id={id} name={p.name} value={p.value ?? 'ja'} checked={p.checked} aria-describedby={p.hint ? `${id}-hint` : undefined} />
      <LabelAndHint id={id} label={p.label} hint={p.hint} />
    </div>
  )
}

/** Radio buttons in a fieldset with a legend. */
export function Radios(p: { readonly name: string; readonly legend: string; readonly options: readonly { value: string; label: string; hint?: string }[]; readonly value?: string | undefined; readonly errors?: FieldErrors | undefined }) {
  const error = p.errors?.[p.name]
  return (
    <fieldset class="ds-fieldset" aria-describedby={error ? `f-${p.name}-error` : undefined}>
      <legend class="ds-label">{p.legend}</legend>
      {p.options.map((o, i) => (
        <div class="ds-field">
          <input class="ds-input" type="radio" id={i === 0 ? `f-${p.name}` : `f-${p.name}-${o.value}`} name={p.name} value={o.value} checked={o.value === p.value} aria-invalid={error ? 'true' : undefined} />
          <label class="ds-label" for={i === 0 ? `f-${p.name}` : `f-${p.name}-${o.value}`}>
            {o.label}
          </label>
          {o.hint && <div data-field="description">{o.hint}</div>}
        </div>
      ))}
      {error && <FieldError id={`f-${p.name}-error`} message={error} />}
    </fieldset>
  )
}

/**
 * The errors at the top of a form, each a link to its field (GOV.UK / Designsystemet pattern);
 * focused on load so a screen reader announces it.
 */
export function ErrorSummary({ ctx, errors, fieldIds }: { readonly ctx: PageContext; readonly errors: FieldErrors; readonly fieldIds?: Readonly<Record<string, string>> }) {
  const entries = Object.entries(errors)
  if (entries.length === 0) return null
  return (
    <div class="ds-error-summary" tabindex={-1} id="error-summary" aria-labelledby="error-summary-heading" data-autofocus="true">
      <h2 class="ds-heading" data-size="xs" id="error-summary-heading">
        {ctx.t.web.form.errorSummary}
      </h2>
      <ul class="ds-list">
        {entries.map(([field, message]) => (
          <li>
            <a class="ds-link" href={`#${fieldIds?.[field] ?? `f-${field}`}`}>
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  )
}

export function Alert({ color, children, heading }: { readonly color: 'info' | 'success' | 'warning' | 'danger'; readonly heading?: string; readonly children?: ComponentChildren }) {
  return (
    <div class="ds-alert" data-color={color} role={color === 'danger' ? 'alert' : 'status'}>
      {heading && (
        <h2 class="ds-heading" data-size="xs">
          {heading}
        </h2>
      )}
      {children}
    </div>
  )
}

export function Csrf({ ctx }: { readonly ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrf} />
}

export function Button({ children, variant, name, value, type }: { readonly children: ComponentChildren; readonly variant?: 'primary' | 'secondary' | 'tertiary'; readonly name?: string; readonly value?: string; readonly type?: 'submit' | 'button' }) {
  return (
    <button class="ds-button" data-variant={variant ?? 'primary'} type={type ?? 'submit'} name={name} value={value}>
      {children}
    </button>
  )
}

/** A status as a tag: the word carries the meaning, the colour only repeats it. */
export function Tag({ color, children }: { readonly color: 'neutral' | 'info' | 'success' | 'warning' | 'danger'; readonly children: ComponentChildren }) {
  return (
    <span class="ds-tag" data-color={color}>
      {children}
    </span>
  )
}

/** A language by its name in the page's language ("arabisk"), the code itself where none is known. */
export const languageName = (ctx: PageContext, code: string): string => ctx.t.web.languages[code] ?? code
