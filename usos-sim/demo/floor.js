const response = await fetch("/services/cards/mcard?fields=why_cannot_order|planned_expiration_date|why_cannot_revoke|orders");
const mcard = await response.json();
document.getElementById("status").textContent = mcard.orders.length ? mcard.orders[0].status : "none";
