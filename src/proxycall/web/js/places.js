// The place picker shown on FIND_PLACE: search by name and area (or location), pick one.

import { api } from "./api.js";
import { distance, h, icon, ICONS, showError, toast } from "./dom.js";

let here = null; // {lat, lng} once the person shared their location in this tab

/** The person's location if they chose to share it; also sent with conversation turns. */
export function sharedLocation() {
  return here;
}

function askLocation() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error("unsupported")); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude }),
      (err) => reject(err), { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
}

function openBadge(openNow) {
  if (openNow === true) return h("span", { class: "badge badge-open", text: "Open now" });
  if (openNow === false) return h("span", { class: "badge badge-closed", text: "Closed" });
  return null;
}

function candidateRow(place, onChoose) {
  const km = distance(place.distanceMeters);
  const callable = place.hasPhone !== false; // listed without a number: shown, not offered
  return h("li", {},
    h("button", { class: "place", type: "button", dataset: { placeId: place.placeId },
      disabled: !callable, "aria-disabled": String(!callable),
      onclick: () => { if (callable) onChoose(place); } },
    h("span", { class: "place-pin" }, icon(ICONS.pin)),
    h("span", { class: "place-text" },
      h("span", { class: "place-name", text: place.name }),
      h("span", { class: "place-address", text: place.formattedAddress ?? "" }),
      h("span", { class: "place-meta" },
        km ? h("span", { class: "place-distance", text: `${km} away` }) : null,
        openBadge(place.openNow),
        callable ? null : h("span", { class: "badge badge-closed",
          text: "No phone number listed" }))),
    callable ? h("span", { class: "place-choose", "aria-hidden": "true", text: "Choose" })
      : null));
}

/** A small form for a business that is not in the list: the person types its number. */
function numberForm(onGiveNumber) {
  const number = h("input", { id: "place-number", name: "number", type: "tel",
    autocomplete: "off", inputmode: "tel", placeholder: "e.g. (03) 7010 0005", required: true });
  const form = h("form", { class: "place-number-form", hidden: true,
    "data-testid": "place-number-form",
    onsubmit: (event) => {
      event.preventDefault();
      const value = number.value.trim();
      if (value) onGiveNumber(value);
    } },
  h("div", { class: "field" },
    h("label", { for: "place-number", class: "field-label", text: "Their phone number" }),
    number),
  h("button", { class: "btn btn-secondary btn-small", type: "submit", text: "Use this number" }));
  const toggle = h("button", { class: "btn btn-ghost btn-small", type: "button",
    "data-testid": "enter-number",
    onclick: () => { form.hidden = false; toggle.hidden = true; number.focus(); } },
  h("span", { text: "Enter their number" }));
  return { form, toggle };
}

/** Renders the picker; it searches straight away with the server's suggested query and area. */
export function renderPlacePicker(params, onChoose, onGiveNumber) {
  const query = h("input", { id: "place-query", name: "query", type: "search",
    value: params.query ?? "", autocomplete: "off", required: true, enterkeyhint: "search" });
  const area = h("input", { id: "place-area", name: "area", type: "text",
    value: params.area ?? "", autocomplete: "address-level2", placeholder: "Suburb" });
  const results = h("div", { class: "place-results", "aria-live": "polite" });
  const locateButton = h("button", { class: "btn btn-ghost btn-small", type: "button",
    onclick: () => useLocation() }, icon(ICONS.locate), h("span", { text: "Use my location" }));
  let point = params.lat !== undefined && params.lat !== null && params.lng !== undefined &&
    params.lng !== null ? { lat: params.lat, lng: params.lng } : null;

  let firstSearch = true;

  async function search() {
    const q = query.value.trim();
    if (!q) { query.focus(); return; }
    const body = { query: q, country: params.country || "AU" };
    if (area.value.trim()) body.area = area.value.trim();
    const near = here ?? point;
    if (near) Object.assign(body, near);
    results.replaceChildren(h("p", { class: "muted place-status", text: "Searching…" }));
    try {
      const found = await api.searchPlaces(body);
      const list = found?.candidates ?? [];
      const note = found?.message
        ? h("p", { class: "place-status place-area-unknown", role: "status", text: found.message })
        : null;
      results.replaceChildren(...(note ? [note] : []), list.length
        ? h("ul", { class: "place-list", role: "list", "aria-label": "Places found" },
          list.map((place) => candidateRow(place, onChoose)))
        : h("p", { class: "muted place-status",
          text: "No matches nearby. Try another spelling or area, or enter their number." }));
      // The list arrives after the chat scrolled to the picker: bring the choices into view once.
      if (firstSearch && list.length) card.scrollIntoView({ block: "start" });
      firstSearch = false;
    } catch (error) {
      results.replaceChildren(h("p", { class: "muted place-status", text: "Search didn't work." }));
      if (error.status !== 401) showError(error, { actionLabel: "Try again", onAction: search });
    }
  }

  async function useLocation() {
    locateButton.disabled = true;
    try {
      here = await askLocation();
      point = here;
      area.value = "";
      area.placeholder = "Near you";
      await search();
    } catch (error) {
      const denied = error?.code === 1;
      toast(denied ? "Location is turned off for this site. Type a suburb instead."
        : "Couldn't get your location. Type a suburb instead.", { kind: "info" });
      area.focus();
    } finally {
      locateButton.disabled = false;
    }
  }

  const form = h("form", { class: "place-form", role: "search",
    onsubmit: (event) => { event.preventDefault(); search(); } },
  h("div", { class: "field" },
    h("label", { for: "place-query", class: "field-label", text: "Business" }), query),
  h("div", { class: "field" },
    h("label", { for: "place-area", class: "field-label", text: "Area" }), area),
  h("div", { class: "place-actions" },
    locateButton,
    h("button", { class: "btn btn-secondary btn-small", type: "submit" },
      icon(ICONS.search), h("span", { text: "Search" }))));

  const given = numberForm(onGiveNumber);
  const card = h("section", { class: "card place-picker", "aria-labelledby": "place-title",
    "data-testid": "place-picker" },
    h("h2", { id: "place-title", class: "card-title", text: "Which one should I call?" }),
    form, results, h("div", { class: "place-given" }, given.toggle, given.form));
  if (query.value.trim()) queueMicrotask(search);
  return card;
}
