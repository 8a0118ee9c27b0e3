/**
 * "Retry with edited configuration": the job's config in the type's form, validated with the
 * type's schema, submitted as a new job of the same type, user and priority.
 */
import { useState } from 'react';
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import { fieldErrors, type FieldError } from '../../../contract/api.ts';
import { JOB_CONFIG_SCHEMAS } from '../../../contract/job-configs.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { ConfigForm } from '../../components/config-form.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { jobHref, navigate } from '../../app/router.ts';

/** The dialog; on success it opens the new job. */
export function RetryEditDialog({ job, onClose }: { job: CachedJobDetail; onClose: () => void }) {
  const api = useAdminApi();
  const [config, setConfig] = useState<Record<string, unknown>>(job.config);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [pending, setPending] = useState(false);

  async function submit() {
    const parsed = JOB_CONFIG_SCHEMAS[job.type].safeParse(config);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors([]);
    setPending(true);
    let newId: string | null = null;
    const ok = await runWithFeedback(`Retrying job ${job.id} with an edited configuration`, async () => {
      const created = await api.submitJob(job.clusterId, { type: job.type, user: job.user, priority: job.priority, config });
      newId = created.id;
      return `Submitted as job ${created.id}.`;
    });
    setPending(false);
    if (ok && newId) {
      onClose();
      navigate(jobHref(job.clusterId, newId));
    }
  }

  return (
    <Dialog
      title={`Retry job ${job.id} with edited configuration`}
      size="large"
      onClose={onClose}
      description="Runs a new job of the same type, user and priority with this configuration. The original job stays as it is."
      footer={<DialogActions onClose={onClose} actionLabel="Submit retry" pending={pending} onAction={() => void submit()} />}
    >
      {errors.length ? (
        <p className="error-note" role="alert">
          Fix {errors.length} field{errors.length === 1 ? '' : 's'} below before submitting.
        </p>
      ) : null}
      <ConfigForm type={job.type} value={config} onChange={setConfig} errors={errors} />
    </Dialog>
  );
}
