// Contacts: filter the list as you type (the form's ?q= does the same without JavaScript).

export function start(root) {
  const input = root.getElementById('contact-search');
  const list = root.getElementById('contact-list');
  const none = root.getElementById('search-none');
  if (!input || !list) return;
  const items = [...list.children];
  const filter = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const match = words.every((word) => item.dataset.search.includes(word));
      item.hidden = !match;
      if (match) shown += 1;
    }
    none.textContent = shown ? '' : 'No contact matches. Try part of a name, a company or an email.';
  };
  input.addEventListener('input', filter);
}
