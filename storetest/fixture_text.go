package storetest

// fixtureText is each fixture source's article text: every quote the
// fixture and the write contract cite, first found on the line its
// evidence states.
var fixtureText = map[string]string{
	"src-a": `Italian Prime Minister Giorgia Meloni.
met at the White House on Monday.
France is ready to deploy troops after a ceasefire.

French President Emmanuel Macron; Macron said France “will be there”.
Meloni, at the White House.
the US president’s guests.
Poland clarified it will not send forces into Ukraine.
Ukraine demands binding guarantees.
France has pledged air patrols.
Italy stands with Ukraine.
a plan “resembling” Article 5; the plan resembles NATO’s Article 5 commitment; Italy proposed a 24-hour plan.
Italy will not send soldiers.
Washington welcomed the Italian idea.
France dropped its drone offer.
Later, French troops arrived and Italian jets flew.
Poland offered a battalion; Poland offered radar planes, a quote said.
It was the first report, then the second.
`,
	"src-b": `
NATO member Poland.
France, which leads the coalition.
Macron flew to Washington.
Trump hosted the Europeans.
the US could provide air support; no American boots on the ground.
Paris has offered to send forces.
about 10 European states; about 10 European states are considering troops.
a reassurance force; Rome rules out troops.
the Kremlin protested.
the US pledged to back the guarantees.
Italy pledged air patrols while Poland is considering troops, says a new report.
`,
	"src-c": `

NATO allies France and Italy.
Rome’s idea; would stop short of Article 5.
Meloni defended her plan.
Moscow rejects any NATO troops.
Kyiv wants guarantees.
met in Paris in March; France floated air policing in March; Paris hosted the meeting.
NATO could coordinate logistics.
talks in Rome this year.
the 1994 Budapest Memorandum; Ukraine signed the memorandum.
Russia, a signatory.
Poland delivered tanks in 2024.
France first raised troops in February.
France pledged a brigade. Poland pledged a battalion. Warsaw weighs air help.
`,
}
