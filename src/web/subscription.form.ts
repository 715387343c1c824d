import { InvalidInputError } from '../common/errors.js';
import { first, list, type FormBody } from '../http/index.js';
import type { InputProblem } from '../subscribers/subscription.input.js';

export interface FormValues {
  email?: string;
  topics: string[];
  keywords: string;
  frequency: string;
  timezone: string;
  hour: string;
}

/** The subscribe form as the API's input shape (the service validates it). */
export function subscriptionFromForm(body: FormBody): FormValues & { email: string } {
  return { email: first(body.email), ...choicesFromForm(body) };
}

/** The preferences form always shows every topic, so an absent `topics` means "none ticked". */
export function choicesFromForm(body: FormBody): FormValues {
  return {
    topics: list(body.topics).slice(0, 1000),
    keywords: first(body.keywords),
    frequency: first(body.frequency),
    timezone: first(body.timezone),
    hour: first(body.hour),
  };
}

export interface FormErrors {
  /** Every message, for the summary at the top of the form. */
  messages: string[];
  /** The first message per field, shown next to it. */
  fields: Partial<Record<InputProblem['field'], string>>;
}

export function formErrorsOf(err: InvalidInputError): FormErrors {
  const problems = ((err.details as { problems?: InputProblem[] } | undefined)?.problems ?? [{ field: 'body', message: err.message }]) as InputProblem[];
  const fields: FormErrors['fields'] = {};
  for (const p of problems) fields[p.field] ??= p.message;
  return { messages: problems.map((p) => p.message), fields };
}
