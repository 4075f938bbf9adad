// Finding people by name, username or employee id, and by role: the admin's users page and the
// manager's team page list the same people.
import type { Role } from "@/lib/graphql/generated/graphql";
import { ROLE_NAMES, ROLES } from "@/lib/navigation";

export function PeopleFilter({
  idPrefix,
  search,
  role,
  onSearch,
  onRole,
}: {
  /** Distinguishes the inputs' ids on a page. */
  idPrefix: string;
  search: string;
  role: Role | "";
  onSearch: (search: string) => void;
  onRole: (role: Role | "") => void;
}) {
  return (
    <div className="row">
      <label htmlFor={`${idPrefix}-search`} className="visually-hidden">
        Search people
      </label>
      <input
        id={`${idPrefix}-search`}
        type="search"
        placeholder="Search name, username, employee id"
        value={search}
        onChange={(event) => onSearch(event.target.value)}
      />
      <label htmlFor={`${idPrefix}-role`} className="visually-hidden">
        Role
      </label>
      <select id={`${idPrefix}-role`} value={role} onChange={(event) => onRole(event.target.value as Role | "")}>
        <option value="">Every role</option>
        {ROLES.map((item) => (
          <option key={item} value={item}>
            {ROLE_NAMES[item]}
          </option>
        ))}
      </select>
    </div>
  );
}
