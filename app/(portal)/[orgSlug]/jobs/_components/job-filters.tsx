"use client";

import { useId } from "react";
import { FilterBar, MultiSelectFilter, TextFilter } from "@/app/_components/filter-bar";
import { Input, Select } from "@/app/_components/ui";
import type { useUrlFilters } from "@/app/_components/url-filters";
import { JOB_STATUSES } from "@/lib/vocabulary";
import { JOB_STATUS_LABELS, type JOB_FILTER_KEYS } from "./dashboard-types";

const STATUS_OPTIONS = JOB_STATUSES.map((status) => ({ value: status, label: JOB_STATUS_LABELS[status] }));

type Filters = ReturnType<typeof useUrlFilters<(typeof JOB_FILTER_KEYS)[number]>>;

/** One service of the org, or all; shared by JOBS and ERRORS. */
export function ServiceFilter({
  services,
  value,
  onChange,
}: {
  services: readonly { id: string; name: string }[];
  value: string;
  onChange: (serviceId: string) => void;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Service
      </label>
      <Select id={id} value={value} className="w-56" onChange={(event) => onChange(event.target.value)}>
        <option value="">All services</option>
        {services.map((service) => (
          <option key={service.id} value={service.id}>
            {service.name}
          </option>
        ))}
      </Select>
    </div>
  );
}

function DateFilter({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <Input id={id} type="date" value={value} className="w-40" onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

export function JobFilters({
  filters,
  services,
}: {
  filters: Filters;
  services: readonly { id: string; name: string }[];
}) {
  const { values, set } = filters;
  return (
    <FilterBar label="Filter jobs" isFiltered={filters.isFiltered} onClear={filters.clear}>
      <MultiSelectFilter
        label="Status"
        options={STATUS_OPTIONS}
        selected={values.status}
        onChange={(selected) => set("status", selected)}
      />
      <ServiceFilter
        services={services}
        value={values.service[0] ?? ""}
        onChange={(serviceId) => set("service", [serviceId])}
      />
      <TextFilter
        label="Request id"
        value={values.request[0] ?? ""}
        placeholder="Starts with…"
        onCommit={(requestId) => set("request", [requestId])}
      />
      <DateFilter label="Created from (UTC)" value={values.from[0] ?? ""} onChange={(day) => set("from", [day])} />
      <DateFilter label="Created to (UTC)" value={values.to[0] ?? ""} onChange={(day) => set("to", [day])} />
    </FilterBar>
  );
}
