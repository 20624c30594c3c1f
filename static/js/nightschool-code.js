// The lecturer's code screen: a fresh QR code as each one expires, and who has checked in.
(() => {
  const root = document.querySelector(".ns-code");
  if (!root) return;
  const image = root.querySelector(".ns-code__image");
  const closed = root.querySelector(".ns-code__closed");
  const countdown = root.querySelector(".ns-code__countdown");
  const list = document.querySelector(".ns-live");
  const counts = document.querySelectorAll("[data-count]");
  let nextChange = Date.now() + (parseFloat(countdown.textContent) || 30) * 1000;

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }

  async function refreshCode() {
    let delay = 5000;
    try {
      const data = await getJSON(root.dataset.codeUrl);
      image.hidden = !data.open;
      closed.hidden = data.open;
      if (data.open) {
        image.innerHTML = data.svg;
        image.dataset.checkinUrl = data.url;
      }
      delay = Math.max(data.refresh_in, 1) * 1000;
    } catch (error) {
      // A network hiccup: the current code stays valid for another window; try again soon.
    }
    nextChange = Date.now() + delay;
    // A moment past the change, so that the server is already in the new window.
    setTimeout(refreshCode, delay + 300);
  }

  function line(row) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = row.name;
    const phone = document.createElement("span");
    phone.className = "muted";
    phone.textContent = " " + row.phone;
    item.append(name, phone);
    if (row.walk_in) {
      const tag = document.createElement("span");
      tag.className = "tag tag--plain";
      tag.textContent = list.dataset.walkIn;
      item.append(" ", tag);
    }
    const times = document.createElement("span");
    times.className = "muted";
    times.textContent = row.checked_in + (row.checked_out ? " – " + row.checked_out + " " + list.dataset.out : "");
    item.append(document.createElement("br"), times);
    return item;
  }

  async function refreshLive() {
    try {
      const data = await getJSON(root.dataset.liveUrl);
      counts.forEach((node) => { node.textContent = data[node.dataset.count]; });
      if (data.rows.length) {
        list.replaceChildren(...data.rows.map(line));
      } else {
        const empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = list.dataset.empty;
        list.replaceChildren(empty);
      }
    } catch (error) {
      // Try again at the next poll.
    }
    setTimeout(refreshLive, 4000);
  }

  // Keep the lecturer's phone from going dark while the code is shown.
  async function stayAwake() {
    try {
      if ("wakeLock" in navigator && document.visibilityState === "visible") {
        await navigator.wakeLock.request("screen");
      }
    } catch (error) {
      // Not allowed (battery saver): the screen may dim, the code still refreshes.
    }
  }

  setTimeout(refreshCode, Math.max(nextChange - Date.now(), 1000) + 300);
  setInterval(() => {
    countdown.textContent = Math.max(0, Math.round((nextChange - Date.now()) / 1000));
  }, 1000);
  setTimeout(refreshLive, 4000);
  stayAwake();
  document.addEventListener("visibilitychange", stayAwake);
})();
