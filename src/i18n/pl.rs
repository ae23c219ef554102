//! Polish: the university's instruction's own words wherever it has them.

use super::{ProblemTexts, StatusTexts, Texts};

pub const TEXTS: Texts = Texts {
    language_name: "Polski",
    language_switch: "Język",
    heading: "Zamówienie mLegitymacji",
    loading: "Wczytywanie…",
    unsupported: "Twoja uczelnia nie wydaje mLegitymacji przez USOS. Zapytaj w dziekanacie, jak otrzymać legitymację studencką.",
    cannot_order_lead: "Nie możesz zamówić mLegitymacji z następującego powodu:",
    can_order: "Spełniasz warunki uprawniające Cię do zamówienia mLegitymacji.",
    planned_expiry: "Planowana data ważności mLegitymacji:",
    order_data: "Dane zamówienia",
    status: "Status:",
    order_date: "Data zamówienia:",
    expiry: "Data ważności:",
    order_button: "Zamów mLegitymację",
    retry: "Spróbuj ponownie",
    statuses: StatusTexts {
        pending: ("Oczekuje", "Użytkownik złożył zamówienie, uczelnia nie przekazała go jeszcze do systemu MC."),
        in_progress: ("W trakcie", "Zamówienie zostało przekazane i jest przetwarzane przez system MC."),
        ready: ("Do odbioru", "Użytkownik może dodać mLegitymację do aplikacji mObywatel."),
        received: ("Odebrana", "Użytkownik dodał mLegitymację do aplikacji mObywatel."),
        error: ("Błąd", "Przetwarzanie zamówienia przez system MC zakończyło się błędem."),
        cancelled: ("Anulowane przez użytkownika", "Użytkownik anulował zamówienie lub mLegitymację."),
        revoked: ("Unieważnione przez uczelnię", "Uczelnia unieważniła zamówienie lub mLegitymację z powodu utraty uprawnień przez użytkownika."),
    },
    problems: ProblemTexts {
        offline: ("Brak połączenia z USOS.", "Sprawdź połączenie z internetem — spróbujemy ponownie, gdy wróci."),
        timeout: ("USOS nie odpowiedział na czas.", "Serwer może być przeciążony. Spróbuj ponownie za chwilę."),
        session_expired: ("Sesja wygasła — zaloguj się ponownie.", "Zaloguj się do USOSweb i wróć na tę stronę."),
        forbidden: ("USOS nie pozwala Ci wykonać tej czynności.", "Jeśli uważasz, że to błąd, skontaktuj się z pomocą IT uczelni."),
        not_found: ("Nie znaleziono tego zamówienia.", "Odśwież stan zamówień i spróbuj ponownie."),
        busy: ("USOS jest teraz przeciążony.", "Spróbujemy ponownie za chwilę — nie musisz nic robić."),
        server: ("USOS jest chwilowo niedostępny.", "Spróbuj ponownie za kilka minut."),
        not_json: ("USOS odpowiedział w nieoczekiwany sposób.", "Możliwe, że trwa przerwa techniczna lub trzeba się zalogować. Spróbuj ponownie za chwilę."),
        unexpected: ("Odpowiedź USOS ma nieoczekiwaną postać.", "Spróbuj ponownie później. Jeśli to się powtarza, zgłoś to pomocy IT uczelni."),
        rejected: ("USOS odrzucił to żądanie.", "Odśwież stan zamówień i spróbuj ponownie."),
    },
};
