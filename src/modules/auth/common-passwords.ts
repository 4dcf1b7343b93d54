// Passwords and password stems that top every published breach-frequency list, written out here
// from memory of those lists (not downloaded): the classic top passwords, keyboard walks, names,
// sports, pets, swear words, and the product's own vocabulary. Compared lower-cased, also after
// stripping leading/trailing digits and symbols and undoing common character swaps (p@ssw0rd),
// so each stem also covers its "stem123!" variants. Sequences and repeats are caught by rule in
// password-policy.ts, not listed.
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
password passw0rd passwort pass pass1 passpass password1 mypassword secret secret1 topsecret letmein
welcome welcome1 admin administrator root toor login guest test tester testing default changeme
change master masterkey access access14 trustno trustnoone iloveyou iloveu loveyou lovely love
qwerty qwert qwertyu qwertyui qwertyuiop qwertz qwertzuiop azerty azertyuiop asdf asdfg asdfgh
asdfghj asdfghjk asdfghjkl zxcv zxcvb zxcvbn zxcvbnm qazwsx qazwsxedc qweasd qweasdzxc 1qaz2wsx
1q2w3e 1q2w3e4r 1q2w3e4r5t zaq1 zaq12wsx xsw2 mnbvcxz poiuytrewq lkjhgfdsa qwe123 asd123 zxc123
abc abcd abcde abcdef abc123 abcd1234 a1b2c3 a1b2c3d4 aa123456 qq123456 q1w2e3r4 1a2b3c
dragon monkey shadow sunshine princess football baseball basketball soccer hockey golfer tennis
master michael jennifer jordan hunter ranger buster thomas robert tigger charlie daniel andrew
jessica ashley amanda nicole michelle jasmine maggie ginger pepper summer winter spring autumn
superman batman spiderman starwars pokemon naruto matrix hello hello1 hellokitty whatever freedom
computer internet server system windows linux apple google facebook yahoo microsoft samsung
cheese chocolate cookie banana orange purple yellow silver golden diamond flower butterfly
killer hacker cracker ninja pirate soldier warrior viking knight wizard merlin gandalf
harley mustang corvette ferrari porsche mercedes bmw yamaha honda toyota nissan
liverpool chelsea arsenal manchester barcelona madrid juventus yankees cowboys eagles lakers
fuckyou fuckoff fuck shit bitch asshole bullshit sexy pussy dick cock blowjob hottie
jesus christ god angel angels heaven blessed faith trinity
family friends forever together happy smile lucky lucky7 money dollar rich success
baby babygirl babyboy sweety sweetie honey sugar cutie darling kitten kitty puppy doggy
tiger lion eagle falcon bear wolf fox panther dolphin shark snake spider rabbit horse
master1 letmein1 welcome123 admin123 root123 test123 pass123 password123 qwerty123
iloveyou1 monkey1 dragon1 shadow1 sunshine1 princess1 football1 baseball1 superman1 batman1
123abc 123qwe 123asd 123qweasd qwerty12 qwerty1 azerty1 abc12345 password12 password1234
zaq123 qaz123 wsx123 edc123 q1w2e3 z1x2c3 qwaszx qazxsw 1qazxsw2 !qaz2wsx
michael1 jordan23 michael23 thunder lightning storm rainbow sunset moonlight starlight
killer1 jackson maverick phoenix dakota austin dallas boston chicago london paris berlin tokyo
beijing shanghai china chinese woaini woaini1314 5201314 1314520 aini aiwo wangyu zhangwei
nihao caonima wocao laopo laogong baobei qwer1234 asdf1234 zxcv1234 1234qwer 1234asdf
samantha victoria elizabeth alexander christopher matthew joshua anthony william richard joseph
david james john mary patricia linda barbara susan sarah karen nancy lisa betty helen sandra
steward stewardapp customer success customersuccess account accounts company business office
manager sales support service admin1 administrator1 user user1 username demo demo123 sample
example test1 testtest test1234 temp temp123 temppass newpass newpassword oldpassword
nothing none null undefined blank empty private public secure security letmeinnow openup
open sesame opensesame godzilla zombie vampire killer123 mickey minnie donald goofy disney
snoopy garfield scooby bubbles buttercup cupcake muffin pumpkin peanut coffee tequila whiskey
beer vodka party fishing hunting camping skate surf snowboard music guitar piano drummer
rockstar rocknroll metallica nirvana beatles eminem madonna britney justin bieber
compaq dell lenovo asus acer intel nvidia oracle cisco
qwerty!@# !@#$%^ !@#$%^&* 1qaz!qaz zaq!xsw@ p@ssword p@ssw0rd passw0rd! pa55word
`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
