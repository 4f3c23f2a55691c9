// The operator's editor for one venue: one form per concern, each with its own transaction.
import { useI18n } from "../../i18n/translate.ts";
import type { Resource, Venue } from "../../lib/protocol.ts";
import { kindLabel } from "../../lib/labels.ts";
import { DoorPassHoursForm } from "./DoorPassHoursForm.tsx";
import { DoorsForm } from "./DoorsForm.tsx";
import { OpeningHoursForm } from "./OpeningHoursForm.tsx";
import { PayeesForm } from "./PayeesForm.tsx";
import { RelayersForm } from "./RelayersForm.tsx";
import { ResourceForm } from "./ResourceForm.tsx";
import { PauseToggle, VenueForm } from "./VenueForm.tsx";

export { CreateVenue } from "./VenueForm.tsx";

export function VenueEditor({ venue, resources }: { venue: Venue; resources: Resource[] }) {
  const { t } = useI18n();
  return (
    <div className="editor">
      <VenueForm venue={venue} />
      <PauseToggle venue={venue} />
      <PayeesForm venue={venue} />
      <OpeningHoursForm venue={venue} />
      <h3>{t("form.resources")}</h3>
      {resources.map((r) => (
        <details key={r.id}>
          <summary>
            {r.name} · {kindLabel(t, r.kind)}
          </summary>
          <ResourceForm venue={venue} resource={r} />
        </details>
      ))}
      <details>
        <summary>{t("form.newResource")}</summary>
        <ResourceForm venue={venue} />
      </details>
      <DoorsForm venue={venue} resources={resources} />
      <RelayersForm venue={venue} />
      <DoorPassHoursForm venue={venue} />
    </div>
  );
}
