"use client";
// A job's pre-start checklists: the templates that apply to its machine.
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { TemplateForm } from "@/components/checklist/template-form";
import { ChecklistTemplatesQuery, MyJobsQuery } from "@/lib/graphql/jobs";

export function Checklist({ jobId }: { jobId: string }) {
  const [jobs] = useQuery({ query: MyJobsQuery, variables: {} });
  const job = jobs.data?.myJobs?.find((candidate) => candidate.id === jobId);
  const equipmentId = job?.equipment?.id ?? null;
  const variables = useMemo(() => ({ equipmentId: equipmentId ?? "" }), [equipmentId]);
  const [templates] = useQuery({ query: ChecklistTemplatesQuery, variables, pause: !equipmentId });
  if (jobs.fetching && !jobs.data) return <p aria-busy="true">Loading…</p>;
  if (!job) return <p role="alert">This job is not one of your open jobs.</p>;
  return (
    <>
      <p>
        <Link href="/jobs">← My jobs</Link>
      </p>
      <h1>Pre-start checklist: {job.title}</h1>
      {!equipmentId ? <p className="muted">This job is for the whole line; it has no equipment checklist.</p> : null}
      {templates.data?.checklistTemplates?.length === 0 ? (
        <p className="muted">No pre-start checklist applies.</p>
      ) : null}
      <div className="grid">
        {(templates.data?.checklistTemplates ?? []).map((template) => (
          <TemplateForm key={template.id} template={template} jobId={jobId} equipmentId={equipmentId!} />
        ))}
      </div>
    </>
  );
}
