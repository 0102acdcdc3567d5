import { Card, Field, Input } from "@/app/_components/ui";
import { INDICATOR_TYPES, type IndicatorType } from "@/lib/vocabulary";

/** ThreatConnect's type names as its UI spells them out. */
const TYPE_LABELS: Record<IndicatorType, string> = {
  Address: "Address",
  ASN: "ASN",
  CIDR: "CIDR",
  EmailAddress: "Email Address",
  "Email Subject": "Email Subject",
  File: "File",
  Host: "Host",
  "Registry Key": "Registry Key",
  URL: "URL",
};

/** One hours input per indicator type; the server names the type a bad value belongs to in its one error. */
export function TtlFields({
  ttlHours,
  error,
  onChange,
}: {
  ttlHours: Record<IndicatorType, string>;
  error: string | undefined;
  onChange: (ttlHours: Record<IndicatorType, string>) => void;
}) {
  return (
    <Card
      title="Time to live"
      description="How many hours each indicator type stays valid in Sentinel after it is sent (valid_until)."
    >
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
        {INDICATOR_TYPES.map((type) => (
          <Field key={type} label={`TTL hours - ${TYPE_LABELS[type]}`} htmlFor={`service-ttl-${type}`}>
            <Input
              id={`service-ttl-${type}`}
              inputMode="numeric"
              value={ttlHours[type]}
              aria-invalid={Boolean(error?.includes(`for ${type} `))}
              aria-describedby={error?.includes(`for ${type} `) ? "service-ttlHours-error" : undefined}
              onChange={(event) => onChange({ ...ttlHours, [type]: event.target.value })}
            />
          </Field>
        ))}
      </div>
      {error ? (
        <p id="service-ttlHours-error" role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </Card>
  );
}
