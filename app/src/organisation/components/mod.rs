mod organisation_page;
mod unit_row;
mod units_panel;

pub use organisation_page::OrganisationPage;
use unit_row::UnitRowView;
use units_panel::UnitsPanel;
